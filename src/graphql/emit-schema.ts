import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { printSchemaText } from './print-schema';

// `npm run schema`: regenerates the committed schema.graphql from the code.
const target = path.resolve(__dirname, '../../../schema.graphql');
writeFileSync(target, printSchemaText());
console.log(`wrote ${target}`);
