"""What the E2E files share: the driver, the window, the stand-ins and the CLI."""
