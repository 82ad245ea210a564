/** Colours for the command's output, and when a stream gets them. */

/** The https://no-color.org convention: colour only on a terminal, never with NO_COLOR set. */
export function useColour(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (!stream.isTTY) return false
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  return env.TERM !== 'dumb'
}

export type Paint = (text: string) => string

export interface Palette {
  bold: Paint
  dim: Paint
  red: Paint
  green: Paint
  yellow: Paint
}

const sgr =
  (on: number, off: number): Paint =>
  text =>
    `\x1b[${on}m${text}\x1b[${off}m`
const plain: Paint = text => text

export const palette = (colour: boolean): Palette =>
  colour
    ? {
        bold: sgr(1, 22),
        dim: sgr(2, 22),
        red: sgr(31, 39),
        green: sgr(32, 39),
        yellow: sgr(33, 39)
      }
    : { bold: plain, dim: plain, red: plain, green: plain, yellow: plain }
