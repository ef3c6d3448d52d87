/**
 * One plugin that does nothing, and a style: what every federated extension
 * makes the lab load before it is restored (a remote entry, a chunk, a style).
 */
const plugin = {
  id: 'bench-noop-extension:plugin',
  description: 'Does nothing.',
  autoStart: true,
  activate: () => undefined
};

export default [plugin];
