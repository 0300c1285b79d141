import { RowbridgeError } from '../../shared/errors.ts';
import { isRegion, type Region } from '../../shared/normalize/index.ts';

/** `--region CODE`: the country for phone numbers written without one (default US). */
export function parseRegion(value: string | undefined): Region {
  const region = (value ?? 'US').toUpperCase();
  if (!isRegion(region)) {
    throw new RowbridgeError(
      'cli_usage',
      `--region "${value}" is not a country code. Use a two-letter ISO code such as US, GB or DE.`,
    );
  }
  return region;
}
