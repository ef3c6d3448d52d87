import type { TranslationBundle } from '@jupyterlab/translation';
import { Panel, Widget } from '@lumino/widgets';
import { qbraidIcon } from './icons';

/** A widget that can put the keyboard focus on its first field. */
export interface IFocusable extends Widget {
  focusFirst(): void;
}

/**
 * The qBraid tab of the left sidebar. The tab is there from start-up; the
 * panel inside it (React, the larger part of the extension's code) is loaded
 * by `load()`: after the lab is restored, or when the tab is opened first.
 * When its code does not load, the tab says so, and the next `load()` tries
 * again.
 */
export class QbraidSidebar extends Panel {
  /** Create the sidebar; `create` makes its panel (its code may be loaded then). */
  constructor(
    private readonly _create: () => Promise<IFocusable>,
    private readonly _trans: TranslationBundle
  ) {
    super();
    this.id = 'jp-qbraid-login';
    this.addClass('jp-qbraid-LoginPanel');
    this.title.icon = qbraidIcon;
    this.title.caption = _trans.__('qBraid');
  }

  /** Make the panel inside, once; resolves with it. */
  load(): Promise<IFocusable> {
    this._panel ??= this._create().then(
      panel => {
        this._message?.remove();
        this.addWidget(panel);
        return panel;
      },
      error => {
        this._panel = null;
        this._showFailure(error);
        throw error;
      }
    );
    return this._panel;
  }

  /** Put the focus on the panel's first field (loading it if need be). */
  async focusFirst(): Promise<void> {
    let panel: IFocusable;
    try {
      panel = await this.load();
    } catch {
      // The tab shows why; there is nothing to focus.
      return;
    }
    requestAnimationFrame(() => panel.focusFirst());
  }

  private _showFailure(error: unknown): void {
    this._message ??= document.createElement('p');
    this._message.className = 'jp-qbraid-LoginPanel-error';
    this._message.setAttribute('role', 'alert');
    this._message.textContent = this._trans.__(
      'The qBraid panel could not load (%1). Reload the page, or open this tab again.',
      error instanceof Error ? error.message : String(error)
    );
    this.node.appendChild(this._message);
  }

  private _panel: Promise<IFocusable> | null = null;
  private _message: HTMLElement | null = null;
}
