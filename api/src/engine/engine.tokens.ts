/** Nest provider tokens of the engine module (a separate file so importing a token never pulls the module in). */
export const CLOCK = Symbol('CLOCK');
export const ENGINE_DB = Symbol('ENGINE_DB');
