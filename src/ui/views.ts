/**
 * The React views, loaded after the lab is restored (one chunk of their own):
 * nothing before restore waits for their code.
 */
export { LoginPanel } from './loginpanel';
export { QbraidStatusItem } from './statusitem';
