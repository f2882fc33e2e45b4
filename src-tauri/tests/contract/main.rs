//! What the shell promises the front end and its build, as one test binary: the generated
//! TypeScript types and the package versions the two sides share.

mod bindings;
mod versions;
