// GET /openapi/v1  the OpenAPI 3.1 document of every function (committed as docs/openapi.json).
import { createFunction, route } from '../_shared/app.ts';
import { openapiDocument } from '../_shared/openapi.ts';
import { availability } from '../availability/routes.ts';
import { book } from '../book/routes.ts';
import { cancel } from '../cancel/routes.ts';
import { clients } from '../clients/routes.ts';
import { hold } from '../hold/routes.ts';
import { staff } from '../staff/routes.ts';

export const documented = [availability, hold, book, cancel, staff, clients];

export const openapi = createFunction('openapi', [
  route({
    method: 'GET',
    path: '/',
    summary: 'The OpenAPI document',
    handle: () => Promise.resolve({ data: openapiDocument(documented), raw: true }),
  }),
]);
