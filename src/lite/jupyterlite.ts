import { PageConfig } from '@jupyterlab/coreutils';

/**
 * Whether the page is a JupyterLite site: there is no Jupyter server, the
 * contents are the browser's drive and the settings live in the browser's
 * storage (IndexedDB). JupyterLite names itself in its page config.
 */
export function inJupyterLite(): boolean {
  return PageConfig.getOption('appName') === 'JupyterLite';
}
