'use strict';
/**
 * A local Serverless plugin: packaging or deploying any stage without
 * AUTH0_DOMAIN and API_AUDIENCE stops here, so a deployed stage can only ever
 * verify real Auth0 tokens (local development keys never leave the laptop).
 * So does packaging without CURSOR_KEYS: the built-in cursor key is in the
 * source code, so only serverless-offline and the tests may sign with it.
 */
const REQUIRED = ['AUTH0_DOMAIN', 'API_AUDIENCE'];
// Same rule as lib/config.ts (readCursorKeys), checked before anything is built.
const MIN_CURSOR_KEY_LENGTH = 32;

class RequireAuth0 {
  constructor(serverless) {
    const check = () => {
      const missing = REQUIRED.filter((name) => (process.env[name] ?? '').trim() === '');
      if (missing.length > 0) {
        throw new serverless.classes.Error(
          `Refusing to package or deploy: set ${missing.join(' and ')} (your Auth0 tenant domain and API identifier). ` +
            'Local development tokens are accepted only by `npm start` and the tests.',
        );
      }
      const cursorKeys = (process.env.CURSOR_KEYS ?? '').trim();
      if (cursorKeys === '' || cursorKeys.split(',').some((key) => key.trim().length < MIN_CURSOR_KEY_LENGTH)) {
        throw new serverless.classes.Error(
          `Refusing to package or deploy: set CURSOR_KEYS to this stage's list-cursor keys (comma-separated, ` +
            `the signing key first, each at least ${MIN_CURSOR_KEY_LENGTH} characters; see docs/deploying-and-operating.md#cursor-keys).`,
        );
      }
    };
    this.hooks = {
      'before:package:initialize': check,
      'before:deploy:function:initialize': check,
    };
  }
}

module.exports = RequireAuth0;
