package com.example.events;

import org.apache.camel.main.Main;

/** Camel Main with the one route of this application; its settings are in application.properties. */
public final class EventsApp {
    private EventsApp() {
    }

    public static void main(String[] args) throws Exception {
        Main main = new Main();
        main.configure().addRoutesBuilder(new EventsRoute());
        main.run(args);
    }
}
