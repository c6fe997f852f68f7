// The guest CRM (staff of the venue; erase also for the client themselves):
// GET /clients/v1?venue_id=&q=   search;  POST /clients/v1  create
// GET /clients/v1/:id  read;  PATCH /clients/v1/:id  update;  DELETE /clients/v1/:id  erase (anonymise)
import { z } from 'zod';
import { createFunction, route } from '../_shared/app.ts';
import { rpc } from '../_shared/rpc.ts';
import { date, id, queryInt } from '../_shared/schemas.ts';

const fields = {
  name: z.string().trim().min(1).max(200),
  email: z.email().max(320).nullable(),
  phone: z.string().regex(/^\+?[0-9 ()-]{5,32}$/, 'must be a phone number').nullable(),
  date_of_birth: date.nullable(),
  notes: z.string().max(4000).nullable(),
  tags: z.array(z.string().trim().min(1).max(50)).max(20),
};
const clientParams = z.object({ id });

export const clients = createFunction('clients', [
  route({
    method: 'GET',
    path: '/',
    summary: 'Search clients',
    query: z.object({ venue_id: id, q: z.string().max(100).optional(), limit: queryInt(1, 200).optional(), offset: queryInt(0, 100000).optional() }),
    handle: async ({ tx, query: q }) => ({
      data: await rpc(tx, 'clients_search', {
        venue_id: [q.venue_id, 'uuid'], query: [q.q, 'text'], limit: [q.limit, 'int'], offset: [q.offset, 'int'],
      }),
    }),
  }),
  route({
    method: 'POST',
    path: '/',
    summary: 'Create a client',
    body: z.object({ venue_id: id, ...fields }).partial({ email: true, phone: true, date_of_birth: true, notes: true, tags: true }),
    idempotent: true,
    handle: async ({ tx, body: b }) => ({
      status: 201,
      data: await rpc(tx, 'client_create', {
        venue_id: [b.venue_id, 'uuid'], name: [b.name, 'text'], email: [b.email, 'text'], phone: [b.phone, 'text'],
        date_of_birth: [b.date_of_birth, 'date'], notes: [b.notes, 'text'], tags: [b.tags, 'text[]'],
      }),
    }),
  }),
  route({
    method: 'GET',
    path: '/:id',
    summary: 'Read a client with their bookings',
    params: clientParams,
    handle: async ({ tx, params }) => ({ data: await rpc(tx, 'client_get', { client_id: [params.id, 'uuid'] }) }),
  }),
  route({
    method: 'PATCH',
    path: '/:id',
    summary: 'Update a client',
    params: clientParams,
    body: z.object(fields).partial().refine((b) => Object.keys(b).length > 0, 'give at least one field'),
    idempotent: true,
    handle: async ({ tx, params, body }) => ({
      data: await rpc(tx, 'client_update', { client_id: [params.id, 'uuid'], changes: [body, 'jsonb'] }),
    }),
  }),
  route({
    method: 'DELETE',
    path: '/:id',
    summary: 'Erase a client (anonymise; the booking history stays)',
    params: clientParams,
    handle: async ({ tx, params }) => ({ data: await rpc(tx, 'client_erase', { client_id: [params.id, 'uuid'] }) }),
  }),
]);
