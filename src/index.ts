import { loginPlugin } from './plugins/login';
import { maskedFieldsPlugin } from './plugins/maskedfields';
import { sessionOwnerPlugin, sessionPlugin } from './plugins/session';
import { syncPlugin } from './plugins/sync';

// Consumers import from the package root, which `sharedPackages` makes one shared module.
export * from './tokens';
export {
  AuthError,
  ConfigError,
  InsufficientCreditsError,
  QbraidApiError,
  QbraidNetworkError
} from './rules/errors';

export default [
  sessionOwnerPlugin,
  sessionPlugin,
  syncPlugin,
  maskedFieldsPlugin,
  loginPlugin
];
