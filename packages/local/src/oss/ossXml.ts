import { XMLBuilder, XMLParser } from 'fast-xml-parser';

const builder = new XMLBuilder({ ignoreAttributes: true, format: false, suppressEmptyNode: false });
const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => name === 'Part',
});

/** `<?xml …?><Root>…</Root>`; values are escaped by the builder. */
export function toXml(root: string, content: unknown): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({ [root]: content })}`;
}

/** Parses a small request body (CompleteMultipartUpload, DeleteMultipleObjects); malformed XML throws. */
export function parseXml(text: string): Record<string, unknown> {
  return parser.parse(text, true) as Record<string, unknown>;
}

/** OSS's `LastModified` form in XML bodies. */
export const xmlDate = (date: Date): string => date.toISOString();
