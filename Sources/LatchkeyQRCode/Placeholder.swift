// placeholder until the QR encoder lands
