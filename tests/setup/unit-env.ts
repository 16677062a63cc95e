/**
 * The environment of the pure tests (`npm run test:unit`): test mode, local
 * tokens, and no server anywhere. Modules of lib/ that read settings at
 * import see these; nothing connects.
 */
Object.assign(process.env, {
  ENSEMBLE_TEST: 'true',
  AUTH0_DOMAIN: '',
  API_AUDIENCE: '',
  LOG_LEVEL: 'SILENT',
  AWS_REGION: 'us-east-1',
});
