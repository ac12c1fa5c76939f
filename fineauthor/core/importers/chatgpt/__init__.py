"""Reading a ChatGPT data export (the .zip ChatGPT emails, or its ``conversations.json``) and
turning the writer's conversations into examples."""
