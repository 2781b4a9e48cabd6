// The tool name and version recorded in every manifest.
import pkg from '../../package.json' with { type: 'json' };

export const TOOL = { name: 'panther', version: (pkg as { version: string }).version } as const;
