"""The public roadmap (Planned / In progress / Done) and the "you asked, we did" changelog of
adopted ideas with their official answers, each with an Atom feed (docs/roadmap.md)."""
