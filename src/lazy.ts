/**
 * The one way this package loads a chunk: once, when first asked, and again
 * after a failed load (the server went away, a new version was installed).
 */
export function lazy<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | null = null;
  return () =>
    (loading ??= load().catch(error => {
      loading = null;
      throw error;
    }));
}
