/**
 * The workflow templates of `weft create` and `weft generate`, imported statically so
 * a compiled binary carries them (nothing is read from disk at run time).
 * @module
 */
import { backup } from "./backup.ts";
import { ciCd } from "./ci_cd.ts";
import { etl } from "./etl.ts";
import { healthCheck } from "./health_check.ts";
import type { Template } from "./template.ts";
import { webApp } from "./web_app.ts";

export type { Built, Note, NotePath, Template } from "./template.ts";

/** Every template, in `weft create --list` order. */
export const TEMPLATES: readonly Template[] = [webApp, ciCd, backup, etl, healthCheck];

/** The template with this id, or undefined. */
export function findTemplate(id: string): Template | undefined {
  return TEMPLATES.find((t) => t.id === id);
}
