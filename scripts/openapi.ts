// Print the OpenAPI document generated from the routes (deno run scripts/openapi.ts > docs/openapi.json).
import { openapiDocument } from '../functions/_shared/openapi.ts';
import { documented } from '../functions/openapi/routes.ts';

console.log(JSON.stringify(openapiDocument(documented), null, 2));
