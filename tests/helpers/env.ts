/** Runs `read` with these environment variables set (or, for `undefined`, unset), then puts the environment back. */
export const withEnv = <T>(env: Record<string, string | undefined>, read: () => T): T => {
  const saved = process.env;
  // A fresh object without the unset variables, rather than deleting them from the real one.
  process.env = Object.fromEntries(Object.entries({ ...saved, ...env }).filter(([, value]) => value !== undefined));
  try {
    return read();
  } finally {
    process.env = saved;
  }
};
