/** The plugin that owns the session and reads `schema/plugin.json`. */
export const PLUGIN_ID = 'jupyterlab-qbraid-session:plugin';

/** The translation domain of this package. */
export const DOMAIN = 'jupyterlab_qbraid_session';
