import * as assert from 'assert';
import { splitMessage } from '../../server/src/lsp/diagnostics';

describe('diagnostic messages in the editor', () => {
  it('lead with the first sentence (the hazard); the explanation is kept for the hover', () => {
    assert.deepStrictEqual(splitMessage('DB_PASSWORD holds a hardcoded secret (hunt****). Anyone with the image can read it; pass it at run time.'),
      { lead: 'DB_PASSWORD holds a hardcoded secret (hunt****).', rest: 'Anyone with the image can read it; pass it at run time.' });
    // Not inside quotes, backticks or parentheses, and not before a lower-case word (an abbreviation).
    assert.deepStrictEqual(splitMessage('Service "a. B" uses `x. Y` (see e.g. Docs. Here) and more. Fix it.'), { lead: 'Service "a. B" uses `x. Y` (see e.g. Docs. Here) and more.', rest: 'Fix it.' });
    assert.deepStrictEqual(splitMessage('One sentence only.'), { lead: 'One sentence only.' });
    assert.deepStrictEqual(splitMessage('Uses v1.2 e.g. here. Then more'), { lead: 'Uses v1.2 e.g. here.', rest: 'Then more' });
  });
});
