import { Logger } from '@aws-lambda-powertools/logger';

/** Structured JSON logs; request bodies and headers are never logged, so tokens cannot leak here. */
export const logger = new Logger({ serviceName: 'ensemble' });
