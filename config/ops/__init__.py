"""What operations need from the running site: health endpoints, Prometheus metrics, a request id
carried into logs and tasks, JSON logs, and branded pages during an outage.

See docs/operations.md. Installed as the Django app ``config.ops`` so that its Celery signal
receivers are connected in the web processes and in the worker alike.
"""
