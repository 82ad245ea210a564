/**
 * The shapes names must have: what Dataproc, Docker and labels accept, and what this action allows
 * for run ids and releases. Inputs are checked against them; the plan's names are made to fit them.
 */

/** Docker tags. */
export const IMAGE_TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/

/** Dataproc batch ids: 4–63 characters of `[a-z0-9-]`, starting and ending with a letter or digit. */
export const BATCH_ID_PATTERN = /^[a-z0-9][a-z0-9-]{2,61}[a-z0-9]$/

/** Dataproc request ids: used for idempotent creation. */
export const REQUEST_ID_PATTERN = /^[a-zA-Z0-9_-]{1,40}$/

/** Label keys and values: lowercase letters, digits, `-` and `_`, at most 63 characters. */
export const LABEL_KEY_PATTERN = /^[a-z][a-z0-9_-]{0,62}$/
export const LABEL_VALUE_PATTERN = /^[a-z0-9_-]{0,63}$/

/** Run ids end up in object names, labels and environment variables. */
export const RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/

/** Release versions are image tags and path segments: `v1.2.3`, `2024.06.1`, `v1.0.0-rc.1`. */
export const RELEASE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/
