/**
 * Deterministic pseudo-random edits (a small LCG, so a failing seed reproduces): each step deletes
 * a few characters or inserts one of `pieces` at a random place, and yields the whole new text.
 */
export function* randomEdits(
  seed: number,
  text: string,
  count: number,
  pieces: readonly string[],
): Generator<string> {
  let state = seed;
  const rand = (n: number) => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state % n;
  };
  let current = text;
  for (let i = 0; i < count; i++) {
    const at = rand(current.length + 1);
    if (rand(3) === 0 && current.length > 0)
      current = current.slice(0, at) + current.slice(Math.min(current.length, at + 1 + rand(8)));
    else current = current.slice(0, at) + (pieces[rand(pieces.length)] ?? '') + current.slice(at);
    yield current;
  }
}
