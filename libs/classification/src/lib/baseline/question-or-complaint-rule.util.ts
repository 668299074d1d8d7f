/**
 * The baseline any actionability model must beat: actionable when the text has a question mark or one of the
 * complaint words the labelers tested (docs/classifier.md, "Labels"). Word forms ending in * match any suffix.
 */
const COMPLAINT_WORDS =
  /\b(not|never|no|worst|terrible|awful|broken|broke|disappoint\w*|problem|issue|help|refund|still|waiting|fix|wrong|cancel\w*|complain\w*|fail\w*|useless|poor|bad|down)\b/i;

export function questionOrComplaintRule(text: string): boolean {
  return text.includes('?') || COMPLAINT_WORDS.test(text);
}
