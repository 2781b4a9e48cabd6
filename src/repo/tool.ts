// The tool name and version recorded in every manifest.
import { VERSION } from '../core/defaults.ts';

export const TOOL = { name: 'panther', version: VERSION } as const;
