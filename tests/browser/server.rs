//! The app served over TCP on 127.0.0.1, built by `factdesk::rocket` from the same configuration
//! as `support::spawn_app`, so a real browser talks to what production runs. Stopped on drop.
use super::wire;
use crate::support::TestDb;
use factdesk::Config;
use rocket::Shutdown;
use rocket::fairing::AdHoc;
use rocket::figment::providers::Serialized;

pub struct Server {
    /// `http://127.0.0.1:PORT`, with no trailing slash.
    pub origin: String,
    shutdown: Shutdown,
}

impl Server {
    pub async fn start(db: &TestDb) -> Server {
        let config = Config::from_env()
            .unwrap()
            .with_database_url(&db.url)
            .unwrap();
        // A port the kernel picks (Rocket reports the one it bound), and no Ctrl-C or signal
        // handlers: those belong to the test runner, and dozens of apps run in one process.
        let figment = config
            .figment
            .merge(Serialized::global("address", "127.0.0.1"))
            .merge(Serialized::global("port", 0))
            .merge(Serialized::global("shutdown.ctrlc", false))
            .merge(Serialized::global("shutdown.signals", Vec::<String>::new()))
            .merge(Serialized::global("shutdown.grace", 2))
            .merge(Serialized::global("shutdown.mercy", 2));
        let config = Config::from_figment(figment).unwrap();
        let (bound, port) = tokio::sync::oneshot::channel();
        let rocket = factdesk::rocket(config)
            .attach(AdHoc::on_liftoff("Tell the test its port", |rocket| {
                let port = rocket.config().port;
                Box::pin(async move {
                    let _ = bound.send(port);
                })
            }))
            .ignite()
            .await
            .expect("the app ignites");
        let shutdown = rocket.shutdown();
        tokio::spawn(async move {
            if let Err(error) = rocket.launch().await {
                eprintln!("the app stopped: {error}");
            }
        });
        let port = tokio::time::timeout(wire::DEADLINE, port)
            .await
            .expect("the app binds a port within the deadline")
            .expect("the app launches");
        wire::poll_blocking("the app to answer /healthz", move || {
            wire::http(port, "GET", "/healthz").is_ok_and(|answer| answer.status == 200)
        })
        .await;
        Server {
            origin: format!("http://127.0.0.1:{port}"),
            shutdown,
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shutdown.clone().notify();
    }
}
