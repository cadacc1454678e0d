/**
 * The tokenizer every method shares, so that bag-of-words and averaged-vector models see the
 * same tokens (ANCHORS.md section 2): lower-case, then runs of [a-z0-9'] are words and every
 * other non-space character is a token of its own. U+0085 (NEL) counts as space, as in
 * Python's str.split; it occurs in MR and SUBJ decoded as Latin-1.
 */
const TOKEN = /[a-z0-9']+|[^\s\u0085a-z0-9']/g;

export function tokenize(text: string): string[] {
  return text.toLowerCase().match(TOKEN) ?? [];
}
