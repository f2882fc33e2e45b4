//! How errors cross to the front end: `{code, message}`, with the core's closed set of codes, so
//! that the UI can switch on the code and show the message as it is.

use gati_core::ErrorCode;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct IpcError {
    pub code: ErrorCode,
    pub message: String,
}

impl IpcError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> IpcError {
        IpcError {
            code,
            message: message.into(),
        }
    }
}

/// An error for something the shell itself could not do, such as finding the Downloads folder.
pub fn io_error(message: impl Into<String>) -> IpcError {
    IpcError::new(ErrorCode::Io, message)
}

impl From<gati_core::Error> for IpcError {
    fn from(e: gati_core::Error) -> IpcError {
        IpcError::new(e.code(), e.to_string())
    }
}

pub type IpcResult<T> = Result<T, IpcError>;
