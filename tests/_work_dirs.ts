/**
 * The run work folders (engine/work_dir.ts) of a place, for tests: those in this user's
 * parent folder there (`<place>/weft-<uid>`, work_dir_owner.ts) and any put straight in it.
 * @module
 */

/** The names of the `weft-run-` folders in `dir`; none when it is missing. */
function runFolders(dir: string): string[] {
  try {
    return [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.startsWith("weft-run-"));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [];
    throw e;
  }
}

/** This user's parent folder of work folders in `place`. */
export function workParent(place: string): string {
  return `${place}/weft-${Deno.uid()}`;
}

/** The paths of the run work folders of place `place`. */
export function workFolders(place: string): string[] {
  const parent = workParent(place);
  return [
    ...runFolders(parent).map((name) => `${parent}/${name}`),
    ...runFolders(place).map((name) => `${place}/${name}`),
  ];
}
