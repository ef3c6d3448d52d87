import type { TranslationBundle } from '@jupyterlab/translation';
import { Panel, Widget } from '@lumino/widgets';
import { qbraidIcon } from './icons';

/**
 * A widget that can put the keyboard focus on its first field.
 */
export interface IFocusable extends Widget {
  focusFirst(): void;
}

/**
 * The qBraid tab of the left sidebar. The tab is there from start-up; the
 * panel inside it (React, the larger part of the extension's code) is loaded
 * by `load()`: after the lab is restored, or when the tab is opened first.
 */
export class QbraidSidebar extends Panel {
  /**
   * Create the sidebar; `create` makes its panel (its code may be loaded then).
   */
  constructor(
    private readonly _create: () => Promise<IFocusable>,
    trans: TranslationBundle
  ) {
    super();
    this.id = 'jp-qbraid-login';
    this.addClass('jp-qbraid-LoginPanel');
    this.title.icon = qbraidIcon;
    this.title.caption = trans.__('qBraid');
  }

  /** Make the panel inside, once; resolves with it. */
  load(): Promise<IFocusable> {
    this._panel ??= this._create().then(panel => {
      this.addWidget(panel);
      return panel;
    });
    return this._panel;
  }

  /** Put the focus on the panel's first field (loading it if need be). */
  async focusFirst(): Promise<void> {
    const panel = await this.load();
    requestAnimationFrame(() => panel.focusFirst());
  }

  private _panel: Promise<IFocusable> | null = null;
}
