import type { IQbraidIdentity, IQbraidSession } from '../tokens';

/**
 * The account at a glance, from the check (`GET /users/verify`) and the
 * credits balance (`GET /billing/credits/balance`, today's API).
 */
export interface IAccount {
  /** The user name the API gives, if any. */
  name: string | null;
  /** The organization the credentials belong to, if the API names one. */
  organization: string | null;
  /** The balance, or `null` when the API did not give one (no error is shown). */
  credits: {
    qbraidCredits: number;
    awsCredits: number | null;
    autoRecharge: string | null;
  } | null;
}

/** How long the credits balance may take (ms): it is extra, never worth a wait. */
const CREDITS_TIMEOUT = 10 * 1000;

/**
 * The credit balance of the identity's organization (today's API); `null`
 * when there is none to ask for, or the API does not answer it: a missing
 * or refused billing route is no error of the sign-in.
 */
export async function loadCredits(
  session: IQbraidSession,
  identity: IQbraidIdentity,
  signal: AbortSignal
): Promise<IAccount['credits']> {
  const organizationId = identity['organizationId'];
  if (session.apiVersion !== 'v1' || typeof organizationId !== 'string') {
    return null;
  }
  try {
    const answer = await session.get<{ data?: Record<string, unknown> }>(
      '/billing/credits/balance',
      { params: { organizationId }, signal, timeout: CREDITS_TIMEOUT }
    );
    const data = answer?.data ?? {};
    const number = (value: unknown) =>
      typeof value === 'number' && Number.isFinite(value) ? value : null;
    const qbraidCredits = number(data['qbraidCredits']);
    if (qbraidCredits === null) {
      return null;
    }
    return {
      qbraidCredits,
      awsCredits: number(data['awsCredits']),
      autoRecharge:
        data['autoRecharge'] === undefined || data['autoRecharge'] === null
          ? null
          : String(data['autoRecharge'])
    };
  } catch {
    return null;
  }
}
