import winston from 'winston';
import { redact } from './redact.js';

/** The narrow logging surface the parts depend on (winston's Logger satisfies it). */
export interface Logger {
  debug(message: string, meta?: Record<string, unknown>): unknown;
  info(message: string, meta?: Record<string, unknown>): unknown;
  warn(message: string, meta?: Record<string, unknown>): unknown;
  error(message: string, meta?: Record<string, unknown>): unknown;
  child(meta: Record<string, unknown>): Logger;
}

export interface LoggerOptions {
  level?: string;
  /** 'auto': readable lines on a terminal, JSON otherwise. */
  format?: 'auto' | 'json' | 'pretty';
  /** Where lines go; defaults to stderr so stdout stays free for command output. */
  stream?: NodeJS.WritableStream;
  silent?: boolean;
}

const redactFormat = winston.format((info) => redact(info));

export function createLogger(opts: LoggerOptions = {}): winston.Logger {
  const stream = opts.stream ?? process.stderr;
  const pretty = opts.format === 'pretty' || (opts.format !== 'json' && (stream as { isTTY?: boolean }).isTTY === true);
  const format = pretty
    ? winston.format.combine(
        redactFormat(),
        winston.format.timestamp({ format: 'HH:mm:ss.SSS' }),
        winston.format.errors({ stack: false }),
        winston.format.printf(({ level, message, timestamp, ...meta }) => {
          const rest = Object.keys(meta).length ? ' ' + JSON.stringify(meta) : '';
          return `${timestamp} ${level.padEnd(5)} ${message}${rest}`;
        }),
      )
    : winston.format.combine(redactFormat(), winston.format.timestamp(), winston.format.json());
  return winston.createLogger({
    level: opts.level ?? 'info',
    silent: opts.silent ?? false,
    format,
    transports: [new winston.transports.Stream({ stream })],
  });
}

/** A logger that drops everything (tests, library users who pass none). */
export function silentLogger(): winston.Logger {
  return createLogger({ silent: true });
}

/** Ends the logger and waits until everything written has been flushed. */
export function closeLogger(logger: winston.Logger): Promise<void> {
  return new Promise((resolve) => {
    logger.on('finish', () => resolve());
    logger.end();
    setTimeout(resolve, 500).unref();
  });
}
