//! What the shell promises the front end and its build, as one test binary: the generated
//! TypeScript types, the command list and signatures `ipc.ts` relies on, and the package versions
//! the two sides share.

mod bindings;
mod commands;
mod versions;
