import type { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import * as React from 'react';
import { SignInModel } from './signinmodel';
import { qbraidIcon } from './icons';
import { creditsText } from './signedin';
import { shown } from './shown';

/**
 * The status bar item: signed in as ..., signed out, or the check failed.
 * Clicking it (or Enter/Space) opens the login panel.
 */
export class QbraidStatusItem extends ReactWidget {
  /** Create the item. */
  constructor(
    private readonly _status: SignInModel,
    private readonly _trans: TranslationBundle,
    private readonly _open: () => void
  ) {
    super();
    this.addClass('jp-qbraid-StatusItem');
  }

  /** The text the item shows now. */
  static text(status: SignInModel, trans: TranslationBundle): string {
    if (status.settingsError && status.state !== 'signed-in') {
      return trans.__('qBraid: settings refused');
    }
    switch (status.state) {
      case 'signed-in':
        return trans.__(
          'qBraid: %1',
          status.email ? shown(status.email) : trans.__('signed in')
        );
      case 'checking':
        return trans.__('qBraid: checking…');
      case 'error':
        return trans.__('qBraid: error');
      case 'unverified':
        return trans.__(
          'qBraid: %1 (not checked)',
          status.email ? shown(status.email) : trans.__('key set')
        );
      default:
        return trans.__('qBraid: signed out');
    }
  }

  /**
   * The tooltip: the whole email (the item shows its start), the balance
   * when it is known, and what a click does.
   */
  static tooltip(status: SignInModel, trans: TranslationBundle): string {
    const credits = status.account?.credits;
    const parts: string[] = [];
    if (status.email && status.state !== 'signed-out') {
      parts.push(status.email);
    }
    if (credits) {
      parts.push(trans.__('Balance: %1', creditsText(credits, trans)));
    }
    parts.push(trans.__('Open the qBraid panel'));
    return parts.join('. ');
  }

  protected render(): JSX.Element {
    return (
      <UseSignal signal={this._status.changed}>
        {() => (
          <span
            role="button"
            tabIndex={0}
            className={`jp-qbraid-StatusItem-button jp-mod-${this._status.state}`}
            title={QbraidStatusItem.tooltip(this._status, this._trans)}
            onClick={this._open}
            onKeyDown={event => {
              if (event.key === 'Enter' || event.key === ' ') {
                event.preventDefault();
                this._open();
              }
            }}
          >
            <qbraidIcon.react
              tag="span"
              className="jp-qbraid-StatusItem-icon"
            />
            <span className="jp-qbraid-StatusItem-text">
              {QbraidStatusItem.text(this._status, this._trans)}
            </span>
          </span>
        )}
      </UseSignal>
    );
  }
}
