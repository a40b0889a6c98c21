import { describe, expect, it } from '@jest/globals';
import { ConfigError, DEFAULT_SHEET_LIMITS, readServiceConfig } from '../src/index.ts';

const valid = {
  DATABASE_URL: 'postgres://campaign:secret@127.0.0.1:5432/campaign',
  KAFKA_BROKERS: '127.0.0.1:9092,kafka-1.internal:9093',
  SCHEMA_REGISTRY_URL: 'http://127.0.0.1:8081',
  DIGIT_HOST: 'http://digit.internal:8080',
};

describe('service configuration', () => {
  it('reads every variable with its default', () => {
    const config = readServiceConfig(3001, valid);
    expect(config.PORT).toBe(3001);
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:9092', 'kafka-1.internal:9093']);
    expect(config.digit.hrms).toEqual({ host: 'http://digit.internal:8080', concurrency: 8 });
    expect(config.TEMPLATE_MAX_FACILITIES).toBe(50_000);
    expect(
      readServiceConfig(3001, { ...valid, TEMPLATE_MAX_FACILITIES: '200' }).TEMPLATE_MAX_FACILITIES,
    ).toBe(200);
    expect(config.DIGIT_BUDGET).toBe('deployment');
  });

  it('lets one DIGIT service have its own host and concurrency', () => {
    const config = readServiceConfig(3001, {
      ...valid,
      DIGIT_HRMS_HOST: 'http://hrms.internal:8080/',
      DIGIT_HRMS_CONCURRENCY: '3',
    });
    expect(config.digit.hrms).toEqual({ host: 'http://hrms.internal:8080', concurrency: 3 });
    expect(config.digit.project.host).toBe('http://digit.internal:8080');
  });

  it('holds twice the largest DIGIT concurrency in chunks unless told how many', () => {
    expect(readServiceConfig(3001, valid).KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY).toBe(16);
    expect(
      readServiceConfig(3001, { ...valid, DIGIT_CONCURRENCY: '4', DIGIT_PROJECT_CONCURRENCY: '10' })
        .KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY,
    ).toBe(20);
    expect(
      readServiceConfig(3001, { ...valid, DIGIT_CONCURRENCY: '100' }).KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY,
    ).toBe(64);
    expect(
      readServiceConfig(3001, { ...valid, KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY: '3' })
        .KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY,
    ).toBe(3);
  });

  it.each([
    ['KAFKA_BROKERS', '', 'KAFKA_BROKERS: expected a comma-separated list of host:port, got ""'],
    [
      'KAFKA_BROKERS',
      'localhost',
      'KAFKA_BROKERS: expected a comma-separated list of host:port, got "localhost"',
    ],
    ['PORT', '70000', 'PORT: expected a TCP port from 0 to 65535, got "70000"'],
    ['SCHEMA_REGISTRY_URL', 'registry:8081', 'SCHEMA_REGISTRY_URL: expected a URL (http: or https:)'],
    ['KAFKA_CREATE_TOPICS', 'yes', 'KAFKA_CREATE_TOPICS: expected true or false, got "yes"'],
    ['DIGIT_BUDGET', 'cluster', 'DIGIT_BUDGET: expected one of deployment, process, got "cluster"'],
  ])('names %s when it is malformed', (variable, value, message) => {
    expect(() => readServiceConfig(3001, { ...valid, [variable]: value })).toThrow(message);
  });

  it('names a missing variable', () => {
    const { DATABASE_URL: _, ...rest } = valid;
    expect(() => readServiceConfig(3001, rest)).toThrow(
      'DATABASE_URL: expected a URL (postgres: or postgresql:), it is not set',
    );
  });

  it('asks for a DIGIT host when none is given', () => {
    const { DIGIT_HOST: _, ...rest } = valid;
    expect(() => readServiceConfig(3001, rest)).toThrow(ConfigError);
    expect(() => readServiceConfig(3001, rest)).toThrow('DIGIT_BOUNDARY_HOST');
  });

  it('never prints the database password in its message', () => {
    expect(() => readServiceConfig(3001, { ...valid, DATABASE_URL: 'mysql://user:hunter2@db/x' })).toThrow(
      'got "[redacted]"',
    );
  });

  it('reads the sheet limits, each with its default', () => {
    expect(readServiceConfig(3001, valid).sheetLimits).toEqual(DEFAULT_SHEET_LIMITS);
    const config = readServiceConfig(3001, { ...valid, SHEET_MAX_ROWS: '500', SHEET_MAX_FILE_BYTES: '1024' });
    expect(config.sheetLimits).toMatchObject({ maxRows: 500, maxFileBytes: 1024, maxCellLength: 32_767 });
    expect(() => readServiceConfig(3001, { ...valid, SHEET_MAX_COMPRESSION_RATIO: '0' })).toThrow(
      'SHEET_MAX_COMPRESSION_RATIO: expected an integer from 1 to',
    );
  });
});
