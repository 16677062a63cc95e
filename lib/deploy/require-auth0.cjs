'use strict';
/**
 * A local Serverless plugin: packaging or deploying any stage without
 * AUTH0_DOMAIN and API_AUDIENCE stops here, so a deployed stage can only ever
 * verify real Auth0 tokens (local development keys never leave the laptop).
 */
const REQUIRED = ['AUTH0_DOMAIN', 'API_AUDIENCE'];

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
    };
    this.hooks = {
      'before:package:initialize': check,
      'before:deploy:function:initialize': check,
    };
  }
}

module.exports = RequireAuth0;
