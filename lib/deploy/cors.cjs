'use strict';
/**
 * CORS for the HTTP API, from ALLOWED_ORIGINS (comma-separated). API Gateway
 * answers preflight requests and adds the CORS headers itself, so functions
 * carry no CORS code. Unset means no CORS at all. Credentials are never
 * allowed, so a wildcard origin cannot leak authenticated responses.
 */
module.exports.httpApiCors = () => {
  const origins = (process.env.ALLOWED_ORIGINS ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
  if (origins.length === 0) return false;
  return {
    allowedOrigins: origins,
    allowedHeaders: ['Authorization', 'Content-Type', 'If-Match', 'Idempotency-Key'],
    allowedMethods: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'],
    exposedResponseHeaders: ['ETag', 'Location', 'Retry-After', 'WWW-Authenticate', 'Idempotent-Replayed', 'Allow'],
    allowCredentials: false,
    maxAge: 600,
  };
};
