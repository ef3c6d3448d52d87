/**
 * The sync's working parts (the INI editor, the stores, the sync), loaded
 * when the sync starts, after the lab is restored: nothing before restore
 * waits for their code.
 */
export { ServerQbraidrcBackend } from './serverbackend';
export { QbraidrcStore } from './store';
export { CredentialsSync } from './sync';
