/*
 * profile.c - the CPU profile model's getters and its release.
 */
#include "cpu/profile_int.h"

void an_profile_free(an_profile *p)
{
	if (!p)
		return;
	an__strtab_free(&p->strs);
	free(p->node_id);
	free(p->parent);
	free(p->depth);
	free(p->func);
	free(p->hits);
	free(p->kid_off);
	free(p->kids);
	free(p->tick_off);
	free(p->ticks);
	free(p->funcs);
	free(p->sample_node);
	free(p->sample_fixed);
	free(p->sample_ts);
	free(p->sample_line);
	free(p->bfs);
	free(p);
}

an_kind an_profile_kind(const an_profile *p) { return p->kind; }

int an_profile_thread(const an_profile *p, int64_t *pid, int64_t *tid)
{
	*pid = p->pid;
	*tid = p->tid;
	return p->has_thread;
}

int64_t an_profile_start_time(const an_profile *p) { return p->start_time; }
int64_t an_profile_end_time(const an_profile *p) { return p->end_time; }
uint32_t an_profile_node_count(const an_profile *p) { return p->node_count; }
uint32_t an_profile_max_depth(const an_profile *p) { return p->max_depth; }
uint32_t an_profile_function_count(const an_profile *p)
{
	return p->func_count;
}
uint32_t an_profile_sample_count(const an_profile *p)
{
	return p->sample_count;
}
uint64_t an_profile_total_hits(const an_profile *p) { return p->total_hits; }
uint32_t an_profile_orphans(const an_profile *p, uint32_t *samples)
{
	if (samples)
		*samples = p->orphan_samples;
	return p->orphans;
}

uint32_t an_profile_negative_deltas(const an_profile *p)
{
	return p->negative_deltas;
}

uint64_t an_profile_heap_samples(const an_profile *p, uint64_t *unknown)
{
	if (unknown)
		*unknown = p->heap_unknown;
	return p->heap_samples;
}

int64_t an_profile_node_id(const an_profile *p, uint32_t node)
{
	return p->node_id[node];
}

uint32_t an_profile_node_parent(const an_profile *p, uint32_t node)
{
	return p->parent[node];
}

uint32_t an_profile_node_depth(const an_profile *p, uint32_t node)
{
	return p->depth[node];
}

uint32_t an_profile_node_function(const an_profile *p, uint32_t node)
{
	return p->func[node];
}

uint64_t an_profile_node_hits(const an_profile *p, uint32_t node)
{
	return p->hits[node];
}

uint32_t an_profile_node_children(const an_profile *p, uint32_t node,
				  const uint32_t **kids)
{
	*kids = p->kids + p->kid_off[node];
	return p->kid_off[node + 1] - p->kid_off[node];
}

uint32_t an_profile_node_ticks(const an_profile *p, uint32_t node,
			       const an_line_ticks **ticks)
{
	*ticks = p->ticks + p->tick_off[node];
	return p->tick_off[node + 1] - p->tick_off[node];
}

const an_function *an_profile_function(const an_profile *p, uint32_t fn)
{
	return &p->funcs[fn];
}

int64_t an_profile_sample_time(const an_profile *p, uint32_t i)
{
	return p->sample_ts[i];
}

uint32_t an_profile_sample_node(const an_profile *p, uint32_t i)
{
	return p->sample_node[i];
}
