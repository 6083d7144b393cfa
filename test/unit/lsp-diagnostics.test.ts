import * as assert from 'assert';
import { leadSentence } from '../../server/src/lsp/diagnostics';

describe('diagnostic messages in the editor', () => {
  it('lead with the first sentence (the hazard); the explanation is a second paragraph', () => {
    assert.strictEqual(leadSentence('DB_PASSWORD holds a hardcoded secret (hunt****). Anyone with the image can read it; pass it at run time.'),
      'DB_PASSWORD holds a hardcoded secret (hunt****).\n\nAnyone with the image can read it; pass it at run time.');
    // Not inside quotes, backticks or parentheses, and not before a lower-case word (an abbreviation).
    assert.strictEqual(leadSentence('Service "a. B" uses `x. Y` (see e.g. Docs. Here) and more. Fix it.'), 'Service "a. B" uses `x. Y` (see e.g. Docs. Here) and more.\n\nFix it.');
    assert.strictEqual(leadSentence('One sentence only.'), 'One sentence only.');
    assert.strictEqual(leadSentence('Uses v1.2 e.g. here. Then more'), 'Uses v1.2 e.g. here.\n\nThen more');
  });
});
