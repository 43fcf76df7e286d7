/** One page of views in the API document, most recently updated first (the shape of `ListViewsResult`). */
export function viewPageSchema(view: { $ref: string }) {
  return {
    type: 'object',
    required: ['items', 'nextCursor'],
    properties: {
      items: { type: 'array', items: view },
      nextCursor: { anyOf: [{ type: 'string' }, { type: 'null' }], description: 'Pass as `cursor` for the next page; null on the last page' },
    },
  };
}
