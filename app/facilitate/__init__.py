"""The facilitator's library, drill set-up and live console."""
