import * as assert from 'assert';
import { withArticle } from '../../server/src/rules/secrets/locate';

describe('articles in messages (withArticle: by the sound of the first word)', () => {
  const table: [string, string][] = [
    // Read as letters: "an" before a letter named with a vowel sound.
    ['npm access token', 'an npm access token'],
    ['SSH private key', 'an SSH private key'],
    ['HTTP basic auth password', 'an HTTP basic auth password'],
    ['SQL Server password', 'an SQL Server password'],
    ['AWS access key id', 'an AWS access key id'],
    ['MWS auth token', 'an MWS auth token'],
    ['URL with a password', 'a URL with a password'],
    ['GCP service account key', 'a GCP service account key'],
    ['ftp password', 'an ftp password'],
    // Capitals said as a word, and words: by their first letter.
    ['JSON Web Token', 'a JSON Web Token'],
    ['OAuth client secret', 'an OAuth client secret'],
    ['GitHub token', 'a GitHub token'],
    ['Amazon MWS auth token', 'an Amazon MWS auth token'],
    ['live secret API key', 'a live secret API key'],
    ['private key', 'a private key'],
    ['unique token', 'a unique token'],
    ['user password', 'a user password'],
    ['hour-long session key', 'an hour-long session key'],
    ['mysql -p password', 'a mysql -p password'],
    ['npmrc token', 'an npmrc token'],
    ['url with a password', 'a url with a password'],
    ['', 'a '],
  ];
  for (const [noun, expected] of table) {
    it(`"${noun}" → "${expected}"`, () => assert.strictEqual(withArticle(noun), expected));
  }
});
