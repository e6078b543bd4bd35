/**
 * The secrets of every run of this process, for a message that reaches no run: the
 * last-resort handler of an unexpected error (cli/main.ts) is far from the run whose
 * secrets its message may quote.
 * @module
 */

/** What {@link maskWithKnownSecrets} needs of a run's secrets (engine/secrets.ts Secrets). */
export interface KnownSecrets {
  /** `text` with every secret of the run masked. */
  mask(text: string): string;
}

/**
 * Every {@link KnownSecrets} of this process not yet collected, for
 * {@link maskWithKnownSecrets}. Weak, so a daemon firing many runs does not keep them.
 */
const LIVE = new Set<WeakRef<KnownSecrets>>();
const COLLECTED = new FinalizationRegistry<WeakRef<KnownSecrets>>((ref) => LIVE.delete(ref));

/** Adds a run's secrets to those {@link maskWithKnownSecrets} masks with, until collected. */
export function keepKnown(secrets: KnownSecrets): void {
  const ref = new WeakRef(secrets);
  LIVE.add(ref);
  COLLECTED.register(secrets, ref);
}

/**
 * `text` masked with the secrets of every Secrets alive in this process (the runs
 * started so far that are still referenced); the text as it is when there are none.
 */
export function maskWithKnownSecrets(text: string): string {
  for (const ref of LIVE) {
    const secrets = ref.deref();
    if (secrets === undefined) LIVE.delete(ref);
    else text = secrets.mask(text);
  }
  return text;
}
