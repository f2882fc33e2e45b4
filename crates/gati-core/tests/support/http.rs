//! A small HTTP server on 127.0.0.1 for the update tests: it serves a folder, and can misbehave
//! the ways real servers and networks do (cut a download short, send too much, never answer,
//! redirect to a plain http:// address). It runs on its own thread for the life of the test.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::time::Duration;

/// How the server answers.
#[derive(Debug, Clone)]
pub enum Behaviour {
    /// Each file of the folder, whole.
    Serve,
    /// The pack file's stated length, and only half of its bytes, then the connection closes.
    CutShort,
    /// The file, then as many bytes again.
    TooMuch,
    /// Accepts the connection and never answers.
    Silent,
    /// States the pack file's length, sends half of it, then waits without closing.
    Stall,
    /// Redirects every request to this address.
    RedirectTo(String),
}

pub struct Server {
    pub base: String,
}

impl Server {
    /// Serves `folder` at `http://127.0.0.1:PORT/packs/`.
    pub fn start(folder: PathBuf, behaviour: Behaviour) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}/packs/", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (folder, behaviour) = (folder.clone(), behaviour.clone());
                std::thread::spawn(move || answer(stream, &folder, &behaviour));
            }
        });
        Server { base }
    }
}

fn answer(mut stream: TcpStream, folder: &std::path::Path, behaviour: &Behaviour) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request = String::new();
    if reader.read_line(&mut request).is_err() {
        return;
    }
    // The rest of the request's head.
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
        line.clear();
    }
    let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
    let name = path.trim_start_matches("/packs/");
    let _ = match behaviour {
        Behaviour::Silent => {
            std::thread::sleep(Duration::from_secs(30));
            Ok(())
        }
        Behaviour::RedirectTo(to) => write!(
            stream,
            "HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        ),
        _ => match std::fs::read(folder.join(name)) {
            Err(_) => write!(
                stream,
                "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            ),
            Ok(body) => {
                let is_pack = name.ends_with(".gatipack");
                let (stated, sent): (usize, Vec<u8>) = match behaviour {
                    Behaviour::CutShort | Behaviour::Stall if is_pack => {
                        (body.len(), body[..body.len() / 2].to_vec())
                    }
                    Behaviour::TooMuch if is_pack => {
                        let doubled = [body.clone(), body].concat();
                        (doubled.len(), doubled)
                    }
                    _ => (body.len(), body),
                };
                write!(
                    stream,
                    "HTTP/1.1 200 OK\r\nContent-Length: {stated}\r\nConnection: close\r\n\r\n"
                )
                .and_then(|_| stream.write_all(&sent))
            }
        },
    };
    let _ = stream.flush();
    if matches!(behaviour, Behaviour::Stall) && name.ends_with(".gatipack") {
        std::thread::sleep(Duration::from_secs(30));
    }
    let _ = stream.shutdown(std::net::Shutdown::Both);
    let _ = reader.read(&mut [0u8; 1]);
}
