/** Escapes markdown and HTML in prose, so text shows as typed and never as markup. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]()#|~!]/g, '\\$&')
    .replace(/\s+/g, ' ')
}
