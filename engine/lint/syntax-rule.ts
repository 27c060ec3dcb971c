/** The ID of syntax errors: what `docker build` rejects before building; never silenced. */
export const SYNTAX_RULE_ID = 'LW0001';
