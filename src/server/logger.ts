import pino, { type DestinationStream, type Logger } from 'pino';

/** Header names whose values are credentials; request logs never carry them (see also app.ts's pino-http serializer). */
export const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-hub-signature', 'x-hub-signature-256'];

/** Structured JSON logs (to stdout unless `destination` is given); credentials are redacted wherever they could appear. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'hnp-graphql' },
      redact: {
        paths: [
          ...CREDENTIAL_HEADERS.flatMap((name) => [`req.headers["${name}"]`, `headers["${name}"]`]),
          '*.password',
          '*.token',
          '*.privateKey',
          '*.passphrase',
          '*.webhookSecret',
          '*.credentials',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
